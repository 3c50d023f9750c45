"""What the two papers state (numbers from their text and tables, in our words), with where.

The bottom layer: experiments read these (Table 3's times, the headline) and so do the claims.
"""

# Paper A (Fatimatuzzahra et al., 2024)
PAPER_A = {
    "per_class_after_downsampling": {"value": 5000, "where": "section 2.2, Fig. 5 ('5,000 each')"},
    "table2_improved": {
        "value": {"tp": 156, "fp": 44, "fn": 44, "tn": 556},
        "where": "Table 2 (200 test images)",
        "stated": {"accuracy": 0.89, "precision": 0.78, "recall": 0.78, "f1": 0.78},
    },
    "table3_basic": {
        "value": {"tp": 155, "fp": 43, "fn": 47, "tn": 555},
        "where": "Table 3, basic CNN row",
        "stated": {"accuracy": 0.8875, "precision": 0.782, "recall": 0.767, "f1": 0.767},
    },
    "train_accuracy_improved": {"value": 0.9889, "where": "section 3, Fig. 9"},
    "val_accuracy_improved": {"value": 0.899, "where": "section 3, Fig. 9"},
    "val_accuracy_basic": {"value": 0.70, "where": "section 3, Fig. 8 (train 100 %)"},
}

# Paper A's Table 1, the hyperparameters of its improved model (grid search picked them).
PAPER_A_TABLE1 = {
    "n_conv": 4,
    "dense_layers": 1,
    "dropout": 0.2,
    "loss": "categorical cross-entropy",
    "activation": "relu",
    "optimizer": "adam",
    "learning_rate": 0.001,
    "epochs": 100,
    "batch_size": 16,
}

# Paper B (CNN hyperparameters by a genetic algorithm)
PAPER_B = {
    "headline_accuracy": {"value": 76.11, "unit": "%", "where": "abstract; section 3; Table 3 (generation 3); Table 4"},
    # Table 3: best accuracy per phase, and compute time as printed (° read as hours).
    "table3": [
        {"phase": "Initial", "generation": 0, "best_accuracy": 58.72, "time_printed": "70°30'57\""},
        {"phase": "Generation 1", "generation": 1, "best_accuracy": 71.69, "time_printed": "60°08'37\""},
        {"phase": "Generation 2", "generation": 2, "best_accuracy": 72.77, "time_printed": "140°18'50\""},
        {"phase": "Generation 3", "generation": 3, "best_accuracy": 76.11, "time_printed": "160°45'04\""},
    ],
    "text_generation2_accuracy": {"value": 72.11, "where": "section 3 text (Table 3 says 72.77)"},
    "text_increments": {"value": {"1": 12.97, "2": 1.08, "3": 3.33}, "where": "section 3 text, increases in points"},
    "total_time_stated": {"value": "37:57:55", "where": "abstract and conclusion (37 h 57 min 55 s)"},
    "generation3_time_text": {"value": "16:45:04", "where": "abstract (16 h 45 min 4 s)"},
    "ga_settings": {
        "value": {"population": 10, "generations": 3, "cxpb": 0.2, "mutpb": 0.1},
        "where": "sections 2.2 and 3",
    },
    "n_images": {"value": 35887, "where": "section 2 (80/20 split of 35,887 images)"},
    "table4": [  # earlier FER2013 results as paper B lists them (reference, model, accuracy %)
        ("[21]", "Tang's network structure", 71.2),
        ("[37]", "Caffe-imageNet", 65.5),
        ("[22]", "MNF CNN+L2 SVM", 70.3),
        ("[38]", "Raspberry Pi", 65.97),
        ("[39]", "DenseNet", 63.50),
        ("[40]", "VGG16", 69.40),
        ("[41]", "Attention CNN", 70.02),
        ("[42]", "ResNet with gate implementation", 71.80),
        ("[43]", "VGGNet", 73.28),
        ("[44]", "VGG progressive SpinalNet", 74.39),
        ("[44]", "VGG SpinalNet", 74.45),
        ("[45]", "Mini-Xception", 66.00),
        ("[46]", "CNN with transfer learning", 72.00),
        ("[47]", "CNN with HOG feature", 75.10),
        ("paper B", "CNN-GA", 76.11),
    ],
}
