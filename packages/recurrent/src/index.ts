// Public entry point of @seqlab/recurrent.
export {};
