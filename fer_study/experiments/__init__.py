"""The experiments: each paper's protocol, the controls, detection, and the protocol slips."""
