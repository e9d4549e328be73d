__all__ = ['ttypes', 'constants', 'WebService']
