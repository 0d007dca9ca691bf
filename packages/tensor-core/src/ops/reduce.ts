// Op front-ends: reduce.
export {};
