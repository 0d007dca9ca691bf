// Public entry point of @seqlab/attention.
export {};
