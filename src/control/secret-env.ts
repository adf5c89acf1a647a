/** Secret env values (`{secret: ...}`, `env-file`) never leave the daemon: views show a placeholder. */

/** What `show`, `list` and `--json` print instead of a secret value. */
export const SECRET_PLACEHOLDER = '(secret)';

export function maskSecrets(
  env: Readonly<Record<string, string>>,
  secret: readonly string[],
): Readonly<Record<string, string>> {
  if (secret.length === 0) return env;
  return Object.fromEntries(
    Object.entries(env).map(([name, value]) => [name, secret.includes(name) ? SECRET_PLACEHOLDER : value]),
  );
}
