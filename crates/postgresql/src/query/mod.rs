//! Query intelligence collectors (top queries, query samples with blocking chains, plans).
