/** What the self-serve use-case tests share: the use cases' deps, from the file's service. */
import { limitsFrom } from '../../lambdas/core/access.js';
import { type InProcessContext, NO_LIMITS, quiet } from '../integration/helpers.js';

/** The self-serve use cases' deps on the file's service, with `limits` over none. */
export function selfServeDeps(ctx: InProcessContext, limits: Record<string, number> = {}) {
  const { store, scheduler, invoker, clock, access, counterKey } = ctx.runtime;
  return {
    store,
    scheduler,
    invoker,
    clock,
    access,
    counterKey,
    log: quiet,
    limits: limitsFrom({ ...NO_LIMITS, ...limits }),
  };
}
