"""The pages of the political process: alternative budgets, comparison, questions."""
