// Public entry point of @seqlab/datasets.
export {};
