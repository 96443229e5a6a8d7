// Install steps that failed, kept on the Shop row for the home page. Pure.

export type StepResult<T> = { ok: true; value: T } | { ok: false; error: string };

export interface InstallIssue {
  message: string;
  at: string; // ISO time
}

export interface InstallIssues {
  pixel?: InstallIssue;
  backfill?: InstallIssue;
}

/** The issues after an install attempt: a step that succeeded clears its issue; null when none remain. */
export function mergeIssues(previous: InstallIssues | null, steps: Record<keyof InstallIssues, StepResult<unknown>>, now: Date): InstallIssues | null {
  const next: InstallIssues = { ...(previous ?? {}) };
  for (const key of Object.keys(steps) as (keyof InstallIssues)[]) {
    const result = steps[key];
    if (result.ok) delete next[key];
    else next[key] = { message: result.error, at: now.toISOString() };
  }
  return Object.keys(next).length ? next : null;
}
