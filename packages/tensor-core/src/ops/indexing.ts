// Op front-ends: indexing.
export {};
