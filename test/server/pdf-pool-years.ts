/**
 * The report years on which the test PDF thread (pdf-pool-worker.ts) misbehaves the ways a real render can; any
 * other year renders normally.
 */
export const MISBEHAVING_YEARS = {
  /** Blocks the thread for good, as a layout that never ends would (without burning a core). */
  hang: 2020,
  /** `process.exit(3)` in the thread. */
  exit: 2022,
  /** An error thrown outside the render's try, uncaught in the thread. */
  throw: 2023,
  /** Allocates until the thread's heap limit (`resourceLimits`) ends it. */
  allocate: 2024,
} as const;

/** A form document whose title holds this blocks the test PDF thread for good, as a form layout that never ends would. */
export const HANGING_FORM_TITLE = 'Formulaire sans fin';
