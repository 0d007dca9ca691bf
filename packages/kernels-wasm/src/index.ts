// Public entry point of @seqlab/kernels-wasm.
export {};
