"""The one exception type for bad FER2013 input: it always names the file or row and the problem."""


class DataError(ValueError):
    """Bad or unreadable FER2013 input; the message names the file or row and what is wrong."""

    def __init__(self, where: str, problem: str):
        self.where = where
        self.problem = problem
        super().__init__(f"{where}: {problem}")
