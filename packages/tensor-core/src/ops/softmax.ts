// Op front-ends: softmax.
export {};
