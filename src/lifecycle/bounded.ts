/**
 * Whether `task` settles (either way) within `ms`. What shutdown's close
 * phase waits for is bounded this way: a pod past its grace period is
 * SIGKILLed, and the operator then sees exit 137 instead of 0 or 1.
 */
export function settlesWithin(task: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), Math.max(0, ms));
    timer.unref();
    const done = () => {
      clearTimeout(timer);
      resolve(true);
    };
    task.then(done, done);
  });
}
