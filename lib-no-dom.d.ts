// Intentionally empty: tsconfig.node.json maps the DOM lib here (libReplacement), see the comment there.
