// How a checkpoint's tensors are named: model parameters under PyTorch state_dict names, optimizer state apart.

/** Prefix of the optimizer-state tensors autograd's checkpoints add beside the model's state dict. */
export const OPTIMIZER_TENSOR_PREFIX = 'optimizer.state.';

/** True for a tensor of the model's state dict, false for optimizer state. */
export function isModelTensorName(name: string): boolean {
  return !name.startsWith(OPTIMIZER_TENSOR_PREFIX);
}
