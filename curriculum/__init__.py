"""The curriculum as content: modules, lessons, quizzes and question types, and the loader for module folders."""
