// Learning-rate schedule (issue #12): linear warm-up then cosine decay to 0, exactly
// transformers' `get_cosine_schedule_with_warmup` (num_cycles = 0.5), which TRL uses for
// `lr_scheduler_type="cosine"`. The paper trains with a cosine schedule (DESIGN.md §1).

/** Learning rate used for optimizer step `step` (0-based) of `totalSteps`. */
export function cosineWithWarmup(step: number, totalSteps: number, peakLr: number, warmupSteps: number): number {
  if (step < warmupSteps) return (peakLr * step) / Math.max(1, warmupSteps);
  const progress = (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
  return peakLr * Math.max(0, 0.5 * (1 + Math.cos(Math.PI * 2 * 0.5 * progress)));
}
