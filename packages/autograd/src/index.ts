// Public entry point of @seqlab/autograd.
export {};
