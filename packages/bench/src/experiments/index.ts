// The experiments' public surface: registry, options, result types, and the chart/table helpers they use.
import '@seqlab/autograd';

export { EXPERIMENT_SIZES, bySize, resolveOptions } from './framework/options.js';
export type { ExperimentOptions, ExperimentSize, ResolvedOptions } from './framework/options.js';
export { ProgressReporter } from './framework/progress.js';
export type { ProgressEvent, ProgressListener } from './framework/progress.js';
export { captureEnvironment, packageVersion } from './framework/environment.js';
export type { Environment } from './framework/environment.js';
export { median, now, timeMedian } from './framework/timing.js';
export type { Timing, TimingOptions } from './framework/timing.js';
export { formatBytes, formatNumber, markdownTable } from './framework/markdown.js';
export type { Cell } from './framework/markdown.js';
export { concatCharts, curvesByLength, heatmap, learningCurves, lineChart, renderSvg } from './framework/chart.js';
export type {
  AxisOptions,
  ChartRow,
  ChartSpec,
  CurvesByLengthOptions,
  HeatmapOptions,
  LineChartOptions,
  OrdinalAxis,
  PanelField,
  ReferenceLine,
} from './framework/chart.js';
export { defineExperiment } from './framework/experiment.js';
export type { Experiment, ExperimentContext, ExperimentDefinition, ExperimentOutcome, Measured, ResultDocument, ResultFiles } from './framework/experiment.js';
export { SequenceModel, MODEL_KINDS, orthogonalScaled } from './shared/sequence-model.js';
export type { ModelKind, SequenceModelOptions, SequenceModelOutput } from './shared/sequence-model.js';
export { trainModel } from './shared/training.js';
export type { TrainCheckpoint, TrainReport, TrainSettings } from './shared/training.js';
export { claimsExperiment, experiments, experimentNames, getExperiment } from './registry.js';
export { speedExperiment } from './speed/speed.js';
export type { SpeedMeasurements, SpeedRow, TfjsInfo, TfjsUnavailable } from './speed/speed.js';
export { memoryExperiment } from './memory/memory.js';
export type { GrowthExponent, MemoryMeasurements, MemoryRow } from './memory/memory.js';
export { gradientsExperiment } from './gradients/gradients.js';
export type { GradientMeasurements, GradientProfile, GradientTraining } from './gradients/gradients.js';
export { effectiveContext, gradientNorms, relativeToLast } from './gradients/gradient-probe.js';
export { copyExperiment } from './copy/copy.js';
export type { CopyCurvePoint, CopyMeasurements, CopyRow } from './copy/copy.js';
export { addingExperiment } from './adding/adding.js';
export type { AddingMeasurements, AddingRow } from './adding/adding.js';
export { bottleneckExperiment } from './bottleneck/bottleneck.js';
export type { BottleneckCurvePoint, BottleneckMeasurements, BottleneckRow, BottleneckTraining } from './bottleneck/bottleneck.js';
export { createTranslator } from './shared/translators.js';
export type { Translator, TranslatorKind, TranslatorOptions } from './shared/translators.js';
export { charlmExperiment } from './charlm/charlm.js';
export type { CharLMMeasurements, CharLMRun } from './charlm/charlm.js';
export { CHARLM_PRESETS, NANOGPT_CPU_PRESET } from './charlm/presets.js';
export type { CharLMPreset } from './charlm/presets.js';
export { sampleTokens } from './charlm/sampling.js';
export { attentionMapExperiment } from './attention-map/attention-map.js';
export type { AttentionMapMeasurements, HeadMass, PronounTraining } from './attention-map/attention-map.js';
export { pronounBatch, PRONOUN_ROLES, PRONOUN_VOCABULARY } from './attention-map/pronoun-task.js';
export type { PronounBatch } from './attention-map/pronoun-task.js';
export { createClaimsExperiment } from './claims/claims.js';
export type { ClaimResult, ClaimsMeasurements } from './claims/claims.js';
export { CLAIM_RULES } from './claims/rules.js';
export type { ClaimComparison, ClaimEvidence, ClaimJudgement, ClaimRule, Verdict } from './claims/rules.js';
export { budgetNotes, curveTrend, lossTrend, MOVING_DEFINITION, yesNo } from './shared/curves.js';
export type { CurvePoint, CurveTrend } from './shared/curves.js';
export { LITERATURE_SETTINGS } from './shared/literature.js';
export type { BudgetTrial, LiteratureSetting } from './shared/literature.js';
export type { GpuRowsInfo, GpuRowsUnavailable } from './shared/gpu-backend.js';
export { SERIES_COLORS, seriesColorScale } from './framework/palette.js';
export type { SeriesColorScale } from './framework/palette.js';
export { renderReportReadme, writeReportReadme } from './report/readme.js';
