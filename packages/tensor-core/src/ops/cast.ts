// Op front-ends: cast.
export {};
