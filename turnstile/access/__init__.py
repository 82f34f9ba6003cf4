"""The access domain: camera sources, the pipeline, the policy, liveness and door outputs."""
