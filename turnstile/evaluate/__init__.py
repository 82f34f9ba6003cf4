"""Accuracy evaluation: LFW protocol, labelled pairs, open-set identification, calibration."""
