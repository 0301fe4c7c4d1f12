def register_items():
    pass
