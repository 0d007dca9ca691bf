// Public entry point of @seqlab/bench: the measured experiments, their registry and the result writers, and the
// kernel benchmark (matmul and training-step throughput against TensorFlow.js, inference against onnxruntime).
export * from './experiments/index.js';
export { parseKernelBenchCases, runKernelBenchmark } from './kernel-bench/kernel-bench.js';
export type { KernelBenchOptions } from './kernel-bench/kernel-bench.js';
export { KERNEL_BENCH_CASES } from './kernel-bench/results.js';
export type {
  KernelBenchCase,
  KernelBenchEnvironment,
  LoadAverage,
  MachineEnvironment,
  TfjsMissing,
  TfjsRunInfo,
  KernelBenchReport,
  KernelBenchRow,
  KernelBenchSettings,
} from './kernel-bench/results.js';
export { renderKernelMarkdown, writeKernelReport } from './kernel-bench/report.js';
export type { KernelReportFiles } from './kernel-bench/report.js';
export type { SeqlabGpuInfo } from './kernel-bench/seqlab-contenders.js';
export { ceilingNeed, checkTargets, MATMUL_TARGET, RATIO_TARGETS, TRAINING_TARGETS } from './kernel-bench/targets.js';
export type { CeilingNeed, TargetCheck } from './kernel-bench/targets.js';
export {
  LSTM_SHAPE,
  lstmForwardFlops,
  lstmTrainingFlops,
  TRANSFORMER_SHAPE,
  tokensPerStep,
  transformerBlockForwardFlops,
  transformerTrainingFlops,
} from './kernel-bench/training-shapes.js';
export { measureSimdPeak, simdPeakModule } from './kernel-bench/simd-peak.js';
export type { SimdPeakKind, SimdPeakOptions } from './kernel-bench/simd-peak.js';
export { GENERATION_LSTM_SHAPE, GENERATION_TRANSFORMER_SHAPE } from './kernel-bench/generation-shapes.js';
export type { GenerationLstmShape, GenerationShapes, GenerationTransformerShape } from './kernel-bench/generation-shapes.js';
export { ONNXRUNTIME_THREADS } from './kernel-bench/inference-suite.js';
export type { OnnxRuntimeInfo } from './kernel-bench/inference-suite.js';
export type { LstmShape, TransformerShape } from './kernel-bench/training-shapes.js';
