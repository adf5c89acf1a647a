/**
 * The daemon's log lines of one stretch of synchronous code go out in one write (issue 20: a run
 * of `true` logged two lines, its start and its end, each a synchronous write; in a chain the end
 * of one run and the start of the next are logged in the same engine turn). Lines keep their order
 * and timestamps. They are written in a microtask queued with the first of them, so whatever a
 * caller does after them through a promise (a rejection reported, an awaited start) comes after
 * them; and at once if the process exits first, by process.exit() or an uncaught exception (Node
 * emits 'exit' before it prints the stack trace).
 */

/** Pending lines of every live batch, written out by the process hooks below. */
const pendingBatches = new Set<LineBatch>();
let hooked = false;

function flushAll(): void {
  for (const batch of [...pendingBatches]) batch.flush();
}

/** Once per process, not per logger: in-process tests create many daemons. */
function hookProcess(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', flushAll);
}

export class LineBatch {
  readonly #write: (text: string) => void;
  #text = '';
  #scheduled = false;

  /** `write` gets the lines of a tick as one string. */
  constructor(write: (text: string) => void) {
    this.#write = write;
    hookProcess();
  }

  add(line: string): void {
    this.#text += line;
    pendingBatches.add(this);
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => this.flush());
  }

  /** Write what is pending now (nothing to do when empty). */
  flush(): void {
    this.#scheduled = false;
    pendingBatches.delete(this);
    if (this.#text === '') return;
    const text = this.#text;
    this.#text = '';
    this.#write(text);
  }
}
