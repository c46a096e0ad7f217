"""Classification (category tree) and grading (schemes as YAML data, rules with reasons)."""
