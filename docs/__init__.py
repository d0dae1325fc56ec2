"""The project documentation, and its builder (docs.build_docs): a library the orchestrator calls."""
