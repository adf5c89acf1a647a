/**
 * What a run of a make chain (`run-now NAME --make`, engine/make-chain.ts) carries: the chain, so that
 * its retries stay in it and its successes do not fire the joins the chain runs itself. A leaf
 * module: active-run.ts and run-flow.ts know the chain by this contract only.
 */
export interface RunChain {
  /** The chain runs this task as one of its steps. */
  includes(task: string): boolean;
}
