"""Signal processing used by the whole app: one IIR engine, one oversampler, small products.

numpy only; imports nothing of the app but core.
"""
