// Op front-ends: matmul.
export {};
