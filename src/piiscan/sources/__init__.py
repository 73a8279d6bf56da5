"""Where files come from: folder walks and explicit paths."""
