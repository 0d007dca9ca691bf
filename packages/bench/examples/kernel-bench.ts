import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runKernelBenchmark, writeKernelReport } from '@seqlab/bench';

// With no options this is the full benchmark (a few minutes on two cores); here one small matmul size, one run.
export const report = await runKernelBenchmark({ cases: ['matmul'], sizes: [64], runs: 1 });
export const files = writeKernelReport(report, join(tmpdir(), 'seqlab-kernels'));
for (const t of report.targets) console.log(`${t.target}: ${t.measured}`);
