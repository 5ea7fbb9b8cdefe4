// Placeholder: this module is being built; delete this file once real files exist.
