// LaTeX (for KaTeX) of the step-through's equations with live numbers: the RNN step in both conventions and the gates.
import type { Convention, GatedKind, GatedStep, Matrix, RnnStep } from './step-through.js';

/** Decimals shown in the equations (the e2e test reads the page to this many). */
export const DIGITS = 4;

/**
 * A number with `digits` decimals, with a true minus sign and no "-0.0000".
 *
 * @example
 * ```ts
 * formatNumber(-0.123456); // '-0.1235'
 * formatNumber(-0.00001);  // '0.0000'
 * ```
 */
export function formatNumber(v: number, digits = DIGITS): string {
  const s = v.toFixed(digits);
  return Number(s) === 0 ? (0).toFixed(digits) : s;
}

/**
 * A vector as a LaTeX row `[a \; b]` or column `bmatrix`.
 *
 * @example
 * ```ts
 * latexVector([0.5, 0.2], 'row'); // '\\begin{bmatrix}0.5000 & 0.2000\\end{bmatrix}'
 * ```
 */
export function latexVector(v: readonly number[], orientation: Convention): string {
  return `\\begin{bmatrix}${v.map((x) => formatNumber(x)).join(orientation === 'row' ? ' & ' : ' \\\\ ')}\\end{bmatrix}`;
}

/**
 * A matrix as a LaTeX `bmatrix`.
 *
 * @example
 * ```ts
 * latexMatrix([[1, 0], [0, 1]]); // '\\begin{bmatrix}1.0000 & 0.0000 \\\\ 0.0000 & 1.0000\\end{bmatrix}'
 * ```
 */
export function latexMatrix(m: Matrix): string {
  return `\\begin{bmatrix}${m.map((r) => r.map((x) => formatNumber(x)).join(' & ')).join(' \\\\ ')}\\end{bmatrix}`;
}

/**
 * The lines of one RNN step with its numbers: the input term, the hidden term, their sum with the bias (in symbols,
 * in numbers, and summed), and tanh.
 *
 * @example
 * ```ts
 * const [input] = rnnStepLatex(rnnSteps(inputs, 'row')[0], inputs.W_xh, inputs.W_hh, 'row');
 * // 'x_{1} W_{xh} = \\begin{bmatrix}0.5000 & 0.2000\\end{bmatrix} … = \\begin{bmatrix}0.2300 & 0.3900\\end{bmatrix}'
 * ```
 */
export function rnnStepLatex(step: RnnStep, W_xh: Matrix, W_hh: Matrix, convention: Convention): string[] {
  const t = step.t;
  const v = (x: readonly number[]): string => latexVector(x, convention);
  const [xTerm, hTerm] = convention === 'row' ? [`x_{${t}} W_{xh}`, `h_{${t - 1}} W_{hh}`] : [`W_{xh} x_{${t}}`, `W_{hh} h_{${t - 1}}`];
  const [xProduct, hProduct] =
    convention === 'row'
      ? [`${v(step.x)} ${latexMatrix(W_xh)}`, `${v(step.hPrev)} ${latexMatrix(W_hh)}`]
      : [`${latexMatrix(W_xh)} ${v(step.x)}`, `${latexMatrix(W_hh)} ${v(step.hPrev)}`];
  return [
    `${xTerm} = ${xProduct} = ${v(step.inputTerm)}`,
    `${hTerm} = ${hProduct} = ${v(step.hiddenTerm)}`,
    `z_{${t}} = ${xTerm} + ${hTerm} + b_h`,
    `z_{${t}} = ${v(step.inputTerm)} + ${v(step.hiddenTerm)} + ${v(step.bias)}`,
    `z_{${t}} = ${v(step.preActivation)}`,
    `h_{${t}} = \\tanh(z_{${t}}) = ${v(step.h)}`,
  ];
}

const ACTIVATION: Record<string, string> = { g: '\\tanh', n: '\\tanh' };

/**
 * The lines of one LSTM or GRU step: each gate's pre-activation and value, then the state update with its numbers.
 *
 * @example
 * ```ts
 * gatedStepLatex('gru', gatedSteps('gru', inputs, weights)[0]).at(-1); // 'h_{1} = (1 - z) \\odot n + z \\odot h_{0} = …'
 * ```
 */
export function gatedStepLatex(kind: GatedKind, step: GatedStep): string[] {
  const t = step.t;
  const v = (x: readonly number[]): string => latexVector(x, 'column');
  const lines = Object.entries(step.gates).map(([name, g]) => {
    const act = ACTIVATION[name] ?? '\\sigma';
    const hidden = `W_{h${name}} h_{${t - 1}} + b_{h${name}}`;
    const inner = name === 'n' ? `W_{i${name}} x_{${t}} + b_{i${name}} + r \\odot (${hidden})` : `W_{i${name}} x_{${t}} + b_{i${name}} + ${hidden}`;
    return `${name}_{${t}} = ${act}(${inner}) = ${act}\\left(${v(g.preActivation)}\\right) = ${v(g.value)}`;
  });
  if (kind === 'lstm') {
    lines.push(`c_{${t}} = f_{${t}} \\odot c_{${t - 1}} + i_{${t}} \\odot g_{${t}} = ${v(step.c ?? [])}`);
    lines.push(`h_{${t}} = o_{${t}} \\odot \\tanh(c_{${t}}) = ${v(step.h)}`);
  } else {
    lines.push(`h_{${t}} = (1 - z_{${t}}) \\odot n_{${t}} + z_{${t}} \\odot h_{${t - 1}} = ${v(step.h)}`);
  }
  return lines;
}
