import { lockedYears, type ReviewThread, type Submission } from '../../schemas/submission.ts';
import { api, send } from '../api.ts';
import type { PlanStore } from './plan-store.ts';

/**
 * The open plan's annual reports and the DiCS's questions, as the server answers them: which years are read-only
 * (their latest submission is under review or approved), and which values carry a question. Loaded with the plan,
 * refreshed after a submission, a decision or a message; listeners redraw (grid markers, banners, the report page).
 */
export type ReviewState = {
  submissions(): readonly Submission[];
  threads(): readonly ReviewThread[];
  /** Years whose values may not change now. */
  lockedYears(): readonly number[];
  /** The threads on one value (a path of `flattenPlan`), oldest first. */
  threadsAt(path: string): readonly ReviewThread[];
  /** Reloads both lists from the server. */
  refresh(): Promise<void>;
  /** The first load (started if nobody has yet; a failed one is tried again at the next call). */
  ready(): Promise<void>;
  subscribe(listener: () => void): () => void;
};

const states = new WeakMap<PlanStore, ReviewState>();

/** The review state of the plan of `store` (one per open plan); call `refresh()` once to load it. */
export function reviewOf(store: PlanStore): ReviewState {
  let state = states.get(store);
  if (!state) {
    state = createReviewState(store.plan.id);
    states.set(store, state);
  }
  return state;
}

function createReviewState(planId: string): ReviewState {
  let submissions: Submission[] = [];
  let threads: ReviewThread[] = [];
  let locked: number[] = [];
  let byPath = new Map<string, ReviewThread[]>();
  const listeners = new Set<() => void>();
  let first: Promise<void> | null = null;
  const state: ReviewState = {
    submissions: () => submissions,
    threads: () => threads,
    lockedYears: () => locked,
    threadsAt: (path) => byPath.get(path) ?? [],
    async refresh() {
      const [s, t] = await Promise.all([
        send(api.plans[':planId'].submissions.$get({ param: { planId }, query: {} })),
        send(api.plans[':planId'].threads.$get({ param: { planId }, query: {} })),
      ]);
      submissions = s;
      threads = t;
      locked = lockedYears(submissions);
      byPath = new Map();
      for (const thread of threads) byPath.set(thread.chemin, [...(byPath.get(thread.chemin) ?? []), thread]);
      for (const l of listeners) l();
    },
    ready() {
      first ??= state.refresh().catch((err: unknown) => {
        first = null;
        throw err;
      });
      return first;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return state;
}
