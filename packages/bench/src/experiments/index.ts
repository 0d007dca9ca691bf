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
export { concatCharts, heatmap, lineChart, renderSvg } from './framework/chart.js';
export type { ChartRow, ChartSpec, HeatmapOptions, LineChartOptions } from './framework/chart.js';
export { defineExperiment } from './framework/experiment.js';
export type { Experiment, ExperimentContext, ExperimentDefinition, ExperimentOutcome, Measured, ResultDocument, ResultFiles } from './framework/experiment.js';
export { SequenceModel, MODEL_KINDS, orthogonalScaled } from './models/sequence-model.js';
export type { ModelKind, SequenceModelOptions, SequenceModelOutput } from './models/sequence-model.js';
export { trainModel } from './models/training.js';
export type { TrainCheckpoint, TrainReport, TrainSettings } from './models/training.js';
export { experiments, experimentNames, getExperiment } from './registry.js';
export { speedExperiment } from './speed/speed.js';
export type { SpeedMeasurements, SpeedRow } from './speed/speed.js';
export { memoryExperiment } from './memory/memory.js';
export type { MemoryMeasurements, MemoryRow } from './memory/memory.js';
export { gradientsExperiment } from './gradients/gradients.js';
export type { GradientMeasurements, GradientProfile, GradientTraining } from './gradients/gradients.js';
export { effectiveContext, gradientNorms, relativeToLast } from './gradients/gradient-probe.js';
