"""Numbers the papers state (facts from their text, in our words), with where they stand."""

# Paper A (Fatimatuzzahra et al., 2024)
PAPER_A = {
    "per_class_after_downsampling": {"value": 5000, "where": "section 2.2, Fig. 5 ('5,000 each')"},
    "table2_improved": {"value": {"tp": 156, "fp": 44, "fn": 44, "tn": 556}, "where": "Table 2 (200 test images)",
                        "stated": {"accuracy": 0.89, "precision": 0.78, "recall": 0.78, "f1": 0.78}},
    "table3_basic": {"value": {"tp": 155, "fp": 43, "fn": 47, "tn": 555}, "where": "Table 3, basic CNN row",
                     "stated": {"accuracy": 0.8875, "precision": 0.782, "recall": 0.767, "f1": 0.767}},
    "train_accuracy_improved": {"value": 0.9889, "where": "section 3, Fig. 9"},
    "val_accuracy_improved": {"value": 0.899, "where": "section 3, Fig. 9"},
    "val_accuracy_basic": {"value": 0.70, "where": "section 3, Fig. 8 (train 100 %)"},
}

# Paper A's Table 1, the hyperparameters of its improved model (grid search picked them).
PAPER_A_TABLE1 = {"n_conv": 4, "dense_layers": 1, "dropout": 0.2, "loss": "categorical cross-entropy",
                  "activation": "relu", "optimizer": "adam", "learning_rate": 0.001, "epochs": 100,
                  "batch_size": 16}
