/**
 * How long a connection waits for a streaming client that is behind (issue 15 point 10). A client
 * is dropped only when it stops reading: behind by more than a tier's bytes with nothing read for
 * that tier's time (`streamPatience`, STREAM_PATIENCE: the further behind, the shorter; the last
 * tier bounds what the daemon holds for one client). A client slower than its task but reading
 * (`run-now --wait > file` of a chatty task) gets every byte.
 */
import type { StreamPatience } from './protocol.js';

/** How often a reader that is behind is judged while its run is quiet. */
const STALL_LOOK_MS = 100;

/** What the judge reads of the connection. */
export interface ReaderProgress {
  /** Bytes written and not yet taken by the kernel: how far behind the client is. */
  behind(): number;
  /** Bytes the kernel has taken so far: grows while the client reads. */
  flushed(): number;
}

export interface ReaderLimits {
  /** Behind by no more than this, a client is not judged at all. */
  readonly maxBacklogBytes: number;
  /** Ascending bytes. */
  readonly streamPatience: readonly StreamPatience[];
}

export interface ReaderJudge {
  /**
   * Judge the reader now (on each event, and again by a timer while it is behind and the run is
   * quiet): calls `drop` with the tier it broke and returns false, or returns true.
   */
  judge(drop: (tier: StreamPatience) => void): boolean;
  /** Stop the timer of the next look (the connection closes). */
  stop(): void;
}

/** A judge of one connection's streaming client. */
export function createReaderJudge(progress: ReaderProgress, limits: ReaderLimits): ReaderJudge {
  let stallTimer: NodeJS.Timeout | undefined;
  /** Bytes flushed when last seen to grow, and when (or when the client fell behind). */
  let progressMark = 0;
  /** Time counted as read-nothing since the last progress, and when the reader was last judged. */
  let stalledMs = 0;
  let lookedAt = Date.now();

  function judge(drop: (tier: StreamPatience) => void): boolean {
    const now = Date.now();
    const behind = progress.behind();
    const done = progress.flushed();
    if (done > progressMark || behind <= limits.maxBacklogBytes) {
      progressMark = done;
      stalledMs = 0;
    } else {
      // A look comes at least every STALL_LOOK_MS; a longer gap is the daemon's own event loop
      // blocked (it wrote nothing then, so the client had nothing new to read): not the client's.
      stalledMs += Math.min(now - lookedAt, 2 * STALL_LOOK_MS);
    }
    lookedAt = now;
    const tier = limits.streamPatience.findLast((t) => behind > t.behindBytes && stalledMs >= t.stallMs);
    if (tier !== undefined) {
      drop(tier);
      return false;
    }
    if (behind > limits.maxBacklogBytes && stallTimer === undefined) {
      stallTimer = setTimeout(() => {
        stallTimer = undefined;
        judge(drop);
      }, STALL_LOOK_MS);
    }
    return true;
  }

  return {
    judge,
    stop() {
      clearTimeout(stallTimer);
      stallTimer = undefined;
    },
  };
}

/** "more than 1048576 bytes behind and read nothing for 5 s": why a reader was dropped. */
export function describeLag(tier: StreamPatience): string {
  return tier.stallMs === 0
    ? `more than ${tier.behindBytes} bytes behind`
    : `more than ${tier.behindBytes} bytes behind and read nothing for ${tier.stallMs / 1000} s`;
}
