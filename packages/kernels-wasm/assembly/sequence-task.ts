// The sequence task of the fused recurrent kernels: one chunk of the pool's task per thread joining, which then runs
// the whole sequence's phases with the other threads (assembly/recurrent.ts) under the kind the record names.
import { gruBackwardTask, gruForwardTask } from './gru';
import { lstmBackwardTask, lstmForwardTask } from './lstm';
import { REC_KIND, SEQ_GRU_BACKWARD, SEQ_GRU_FORWARD, SEQ_LSTM_BACKWARD, SEQ_LSTM_FORWARD } from './recurrent';

/** Joins the sequence task whose record is at `rec` as thread `thread`; returns how many chunks this thread ran. */
export function sequenceTask(rec: usize, thread: i32): i32 {
  const kind = load<i32>(rec, REC_KIND);
  if (kind == SEQ_LSTM_FORWARD) return lstmForwardTask(rec, thread);
  if (kind == SEQ_LSTM_BACKWARD) return lstmBackwardTask(rec, thread);
  if (kind == SEQ_GRU_FORWARD) return gruForwardTask(rec, thread);
  if (kind == SEQ_GRU_BACKWARD) return gruBackwardTask(rec, thread);
  return 0;
}
