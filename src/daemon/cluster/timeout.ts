/**
 * A bound on a database round trip seen from this side. PostgreSQL's statement_timeout cannot end
 * a query whose server is frozen (SIGSTOP) or cut off by the network: without this bound a beat or
 * a claim would wait for TCP keepalive, minutes, while the fence is counted in seconds.
 */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
