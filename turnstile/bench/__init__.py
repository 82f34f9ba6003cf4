"""Speed benchmarks: every stage, 1:N matching, the loop, cold start, memory, a peer library."""
