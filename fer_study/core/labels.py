"""The one canonical class order, split names and label mappings used everywhere."""

# Alphabetical, as the Kaggle class folders are named; every array label is an index into this.
CLASSES = ("angry", "disgust", "fear", "happy", "neutral", "sad", "surprise")
CLASS_INDEX = {name: i for i, name in enumerate(CLASSES)}

# The original challenge CSV numbers the emotions in a different, non-alphabetical order.
CSV_CODE_TO_CLASS = {
    0: "angry",
    1: "disgust",
    2: "fear",
    3: "happy",
    4: "sad",
    5: "surprise",
    6: "neutral",
}
CLASS_TO_CSV_CODE = {v: k for k, v in CSV_CODE_TO_CLASS.items()}

# The official ICML 2013 split, given by the file-name prefix or the CSV's Usage column.
SPLITS = ("Training", "PublicTest", "PrivateTest")
SPLIT_INDEX = {name: i for i, name in enumerate(SPLITS)}

# Paper A works on four of the seven classes.
PAPER_A_CLASSES = ("angry", "happy", "neutral", "sad")

IMAGE_SIZE = 48
