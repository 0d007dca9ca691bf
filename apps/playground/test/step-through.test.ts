// The step-through's numbers against the worked-example fixture @seqlab/recurrent's test uses, and its decomposition.
import { describe, expect, it } from 'vitest';
import { workedExampleGolden as fixture } from '@seqlab/test-utils/worked-example';
import { formatNumber, gatedStepLatex, latexMatrix, latexVector, rnnStepLatex } from '../src/lib/equations.js';
import { gatedSteps, initialGatedWeights, inputsFromFixture, rnnSteps, type GatedKind } from '../src/lib/step-through.js';
import { workedExampleInputs } from '../src/lib/worked-example.js';

const inputs = inputsFromFixture(fixture);
const names = ['h1', 'h2', 'h3'] as const;
const sigma = (v: number): number => 1 / (1 + Math.exp(-v));

describe('the shipped inputs', () => {
  it("are the golden file's inputs, so the page computes on what PyTorch computed on", () => {
    expect(workedExampleInputs()).toEqual(inputs);
  });
});

describe('rnnSteps', () => {
  it('row vectors (the stated convention) give the fixture outputs, h from RNNCell', () => {
    const steps = rnnSteps(inputs, 'row');
    expect(steps.map((s) => s.word)).toEqual(['cat', 'sat', 'here']);
    names.forEach((name, t) => steps[t].h.forEach((v, j) => expect(v).toBeCloseTo(fixture.outputs[name].data[j], 12)));
    // h_{t−1} is the library's previous output.
    expect(steps[1].hPrev).toEqual(steps[0].h);
  });

  it('column vectors with the same matrices reproduce the alternative that the tutorial summary table quotes', () => {
    const steps = rnnSteps(inputs, 'column');
    const alt = fixture.alternatives.column_vector_convention.h_rounded_6dp;
    names.forEach((name, t) => steps[t].h.forEach((v, j) => expect(v).toBeCloseTo(alt[name][j], 6)));
    expect(steps.map((s) => s.h.map((v) => v.toFixed(2)))).toEqual([
      ['0.37', '0.41'],
      ['0.76', '0.65'],
      ['0.74', '0.84'],
    ]);
  });

  it('carrying h rounded to 2 dp reproduces the hand-calculation alternative (the h3[0] = 0.73 slip)', () => {
    const steps = rnnSteps(inputs, 'row', { roundCarriedState: 2 });
    const alt = fixture.alternatives.row_convention_previous_h_rounded_to_2dp.h_4dp;
    names.forEach((name, t) => steps[t].h.forEach((v, j) => expect(v).toBeCloseTo(alt[name][j], 4)));
    expect(steps[2].h[0].toFixed(2)).toBe('0.73');
    expect(rnnSteps(inputs, 'row')[2].h[0].toFixed(2)).toBe('0.72');
  });

  it.each(['row', 'column'] as const)('%s: input term + hidden term + bias is the pre-activation of the library h', (convention) => {
    for (const s of rnnSteps(inputs, convention)) {
      s.preActivation.forEach((z, j) => {
        expect(s.inputTerm[j] + s.hiddenTerm[j] + s.bias[j]).toBe(z);
        expect(Math.atanh(s.h[j])).toBeCloseTo(z, 12);
      });
    }
    // The first input term written out: [0.5, 0.2]·W_xh = [0.23, 0.39] (row) and W_xh·[0.5, 0.2] = [0.29, 0.24] (column).
    expect(rnnSteps(inputs, convention)[0].inputTerm.map((v) => v.toFixed(4))).toEqual(convention === 'row' ? ['0.2300', '0.3900'] : ['0.2900', '0.2400']);
  });

  it('recomputes live from edited weights, and rejects malformed ones with the argument named', () => {
    const edited = workedExampleInputs();
    edited.W_hh[0][1] = 0;
    const steps = rnnSteps(edited, 'row');
    expect(steps[0].h).toEqual(rnnSteps(inputs, 'row')[0].h); // h_0 = 0: W_hh does not matter yet
    expect(steps[1].h[1]).not.toBeCloseTo(fixture.outputs.h2.data[1], 3);
    expect(fixture.inputs.W_hh.data[1]).toBe(0.5); // the fixture is untouched
    expect(() => rnnSteps({ ...edited, W_hh: [[1, 2]] }, 'row')).toThrow(/rnnCellFor: argument 'W_hh' must be a \[2, 2\] matrix.*received \[1, 2\]/);
    expect(() => rnnSteps({ ...edited, b_h: [0, Number.NaN] }, 'row')).toThrow(/'b_h'/);
  });
});

describe.each(['lstm', 'gru'] as GatedKind[])('gatedSteps %s', (kind) => {
  const weights = initialGatedWeights(kind, 2, 2, 0);
  const steps = gatedSteps(kind, inputs, weights);

  it('the gates recombine into the library cell state and output', () => {
    expect(steps).toHaveLength(3);
    for (const s of steps) {
      for (let j = 0; j < 2; j++) {
        const g = (name: string): number => s.gates[name].value[j];
        if (kind === 'lstm') {
          expect((s.c as number[])[j]).toBeCloseTo(g('f') * (s.cPrev as number[])[j] + g('i') * g('g'), 12);
          expect(s.h[j]).toBeCloseTo(g('o') * Math.tanh((s.c as number[])[j]), 12);
        } else {
          expect(s.h[j]).toBeCloseTo((1 - g('z')) * g('n') + g('z') * s.hPrev[j], 12);
        }
        for (const [name, gate] of Object.entries(s.gates)) {
          const hidden = gate.hiddenTerm[j] + gate.hiddenBias[j];
          const pre = gate.inputTerm[j] + gate.inputBias[j] + (name === 'n' ? g('r') * hidden : hidden);
          expect(gate.preActivation[j]).toBeCloseTo(pre, 14);
          expect(gate.value[j]).toBeCloseTo(name === 'g' || name === 'n' ? Math.tanh(pre) : sigma(pre), 14);
        }
      }
    }
    expect(Object.keys(steps[0].gates)).toEqual(kind === 'lstm' ? ['i', 'f', 'g', 'o'] : ['r', 'z', 'n']);
  });

  it('initial weights are the library init from the seed (same seed, same weights; another seed differs)', () => {
    expect(initialGatedWeights(kind, 2, 2, 0)).toEqual(weights);
    expect(initialGatedWeights(kind, 2, 2, 1).weight_ih).not.toEqual(weights.weight_ih);
    expect(weights.weight_ih.flat().every((v) => Math.abs(v) <= 1 / Math.sqrt(2))).toBe(true);
  });

  it('the equation lines show the numbers to 4 decimals', () => {
    const lines = gatedStepLatex(kind, steps[2]);
    expect(lines.at(-1)).toContain(steps[2].h[0].toFixed(4));
    expect(lines).toHaveLength(kind === 'lstm' ? 6 : 4);
  });
});

describe('rnnStepLatex', () => {
  it('writes the step with the fixture numbers in both conventions', () => {
    const row = rnnStepLatex(rnnSteps(inputs, 'row')[0], inputs.W_xh, inputs.W_hh, 'row');
    expect(row[0]).toMatch(/^x_\{1\} W_\{xh\} = \\begin\{bmatrix\}0\.5000 & 0\.2000\\end\{bmatrix\}/);
    expect(row.at(-1)).toBe('h_{1} = \\tanh(z_{1}) = \\begin{bmatrix}0.3185 & 0.5299\\end{bmatrix}');
    expect(row).toHaveLength(6);
    expect(row[3]).toBe(
      'z_{1} = \\begin{bmatrix}0.2300 & 0.3900\\end{bmatrix} + \\begin{bmatrix}0.0000 & 0.0000\\end{bmatrix} + \\begin{bmatrix}0.1000 & 0.2000\\end{bmatrix}',
    );
    expect(row[4]).toBe('z_{1} = \\begin{bmatrix}0.3300 & 0.5900\\end{bmatrix}');
    const column = rnnStepLatex(rnnSteps(inputs, 'column')[0], inputs.W_xh, inputs.W_hh, 'column');
    expect(column.at(-1)).toBe('h_{1} = \\tanh(z_{1}) = \\begin{bmatrix}0.3714 \\\\ 0.4136\\end{bmatrix}');
  });
});

describe('number and matrix formatting', () => {
  it('rounds to 4 decimals without a negative zero, and lays vectors out by convention', () => {
    expect([formatNumber(-0.123456), formatNumber(-0.00001), formatNumber(0.31852077690277086), formatNumber(2, 1)]).toEqual([
      '-0.1235',
      '0.0000',
      '0.3185',
      '2.0',
    ]);
    expect(latexVector([0.5, 0.2], 'row')).toBe('\\begin{bmatrix}0.5000 & 0.2000\\end{bmatrix}');
    expect(latexVector([0.5, 0.2], 'column')).toBe('\\begin{bmatrix}0.5000 \\\\ 0.2000\\end{bmatrix}');
    expect(
      latexMatrix([
        [1, 0],
        [0, -1],
      ]),
    ).toBe('\\begin{bmatrix}1.0000 & 0.0000 \\\\ 0.0000 & -1.0000\\end{bmatrix}');
  });
});
