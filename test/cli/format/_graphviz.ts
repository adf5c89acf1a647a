/**
 * Graphviz's `dot` for the tests that check the DOT `taskkit graph` writes with the real thing.
 * Nothing is installed: where `dot` is missing those tests are skipped, and say so once.
 */
import { spawnSync } from 'node:child_process';

/** Whether `dot` runs here (`dot -V`). */
export const HAS_DOT = spawnSync('dot', ['-V'], { stdio: 'ignore' }).error === undefined;

if (!HAS_DOT) {
  console.warn(
    '[graph] Graphviz "dot" is not on PATH: the dot -Tsvg checks are skipped (install graphviz to run them)',
  );
}

/** `dot -Tsvg` of `text`: its exit status, SVG and complaints. */
export function renderSvg(text: string): { status: number | null; svg: string; stderr: string } {
  const result = spawnSync('dot', ['-Tsvg'], { input: text, encoding: 'utf8' });
  return { status: result.status, svg: result.stdout, stderr: result.stderr };
}

/** The XML text of an SVG attribute or element with its five entities decoded. */
export function decodeXml(text: string): string {
  return text.replace(
    /&(lt|gt|quot|apos|amp|#(\d+)|#x([0-9a-f]+));/gi,
    (_, name: string, dec?: string, hex?: string) => {
      if (dec !== undefined) return String.fromCodePoint(Number(dec));
      if (hex !== undefined) return String.fromCodePoint(parseInt(hex, 16));
      return { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' }[name.toLowerCase()] ?? '';
    },
  );
}
