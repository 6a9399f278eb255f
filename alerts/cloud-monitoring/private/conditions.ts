/** Small factories for the condition shapes the policies share. */
import type { Aggregation, ThresholdCondition } from '../model';

/** One aggregation step. */
export function align(
  alignmentPeriodSeconds: number,
  perSeriesAligner: string,
  crossSeriesReducer?: string,
  groupByFields?: readonly string[],
): Aggregation {
  return {
    alignmentPeriodSeconds,
    perSeriesAligner,
    ...(crossSeriesReducer ? { crossSeriesReducer } : {}),
    ...(groupByFields ? { groupByFields } : {}),
  };
}

/** A threshold condition with the usual defaults: `>` and one aggregation. */
export function above(
  displayName: string,
  filter: string,
  thresholdValue: number,
  durationSeconds: number,
  aggregations: readonly Aggregation[],
  extra: Partial<Omit<ThresholdCondition, 'kind' | 'displayName' | 'filter' | 'thresholdValue' | 'durationSeconds' | 'aggregations'>> = {},
): ThresholdCondition {
  return {
    kind: 'threshold',
    displayName,
    filter,
    comparison: 'COMPARISON_GT',
    thresholdValue,
    durationSeconds,
    aggregations,
    ...extra,
  };
}
