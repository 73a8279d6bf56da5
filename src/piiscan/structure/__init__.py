"""Structure in text: tables read like a person reads them (``table``), the cells of one
record read together (``records``), and the evidence single values give (``values``)."""
