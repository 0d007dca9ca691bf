// The learning claims' rules on hand-made evidence: "depends on the training budget" only with a still-moving curve.
import { describe, expect, it } from 'vitest';
import { CLAIM_RULES, type ClaimEvidence, type CopyRow } from '../src/index.js';

const rule = (id: string): (typeof CLAIM_RULES)[number] => CLAIM_RULES.find((r) => r.id === id)!;

function copyRow(model: string, delay: number, accuracy: number, moving: boolean): CopyRow {
  return {
    model,
    delay,
    accuracy,
    moving,
    loss: 0,
    baselineLoss: 0.1,
    baselineAccuracy: 0.125,
    steps: 1500,
    stoppedEarly: false,
    tailImprovement: 0,
    seconds: 1,
    trainLosses: [],
    curve: [],
  };
}

function copyEvidence(rows: CopyRow[]): ClaimEvidence {
  return { copy: { measurements: { rows } } } as unknown as ClaimEvidence;
}

describe('copy-curves rule', () => {
  const at200 = (rnn: number, gated: number, moving: boolean): CopyRow[] => [
    copyRow('RNN', 200, rnn, false),
    copyRow('LSTM', 200, gated, moving),
    copyRow('GRU', 200, gated, moving),
    copyRow('Transformer', 200, 1, false),
  ];

  it('confirms when the RNN fails and every gated model and the Transformer keep high accuracy', () => {
    expect(rule('copy-curves').judge(copyEvidence(at200(0.13, 0.95, false))).verdict).toBe('confirmed');
  });

  it('depends on the budget only while the contradicting curves still move, and is refuted once they are flat', () => {
    const moving = rule('copy-curves').judge(copyEvidence(at200(0.13, 0.3, true)));
    expect(moving.verdict).toBe('depends');
    expect(moving.reason).toMatch(/training budget.*LSTM.*GRU/);
    expect(rule('copy-curves').judge(copyEvidence(at200(0.13, 0.3, false))).verdict).toBe('refuted');
  });

  it("shows every model's accuracy at every delay, so the claim's 'as the delay grows' can be read off", () => {
    const rows = [...['RNN', 'LSTM', 'GRU', 'Transformer'].map((m) => copyRow(m, 10, m === 'RNN' ? 0.5 : 0.97, false)), ...at200(0.13, 0.3, false)];
    const { measured } = rule('copy-curves').judge(copyEvidence(rows));
    expect(measured).toContain('As the delay grows (T = 10, 200): RNN 0.5 → 0.13; LSTM 0.97 → 0.3; GRU 0.97 → 0.3; Transformer 0.97 → 1');
  });
});

describe('lstm-long-delays rule', () => {
  const lstm = (short: number, shortMoving: boolean, long: number, longMoving: boolean): CopyRow[] => [
    copyRow('LSTM', 10, short, shortMoving),
    copyRow('LSTM', 200, long, longMoving),
  ];

  it('confirms a solved short delay and a flat failure beyond 100 steps', () => {
    expect(rule('lstm-long-delays').judge(copyEvidence(lstm(0.99, false, 0.13, false))).verdict).toBe('confirmed');
  });

  it('names the moving curve when it depends on the budget', () => {
    const j = rule('lstm-long-delays').judge(copyEvidence(lstm(0.4, true, 0.13, false)));
    expect(j.verdict).toBe('depends');
    expect(j.reason).toMatch(/T = 10/);
  });

  it('refutes when the LSTM solves the long delays', () => {
    expect(rule('lstm-long-delays').judge(copyEvidence(lstm(0.99, false, 0.95, false))).verdict).toBe('refuted');
  });
});
