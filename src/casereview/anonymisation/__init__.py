"""Key reference, anonymisation and its check, glossary and genogram (DOMAIN.md 2.8).

Pure modules, no Django: ``keyref`` (the key reference CSV and labels), ``anonymise`` (documents
against the key; ``docx_parts`` for Word's parts, ``matching`` for names, ``detectors`` for
identifiers by shape, ``flags`` for likely names missing from the key), ``glossary`` and
``genogram``. The commands ``casereview anonymise`` and ``casereview genogram`` are ``cli`` and
``cli_genogram``.

The review's pages over them (Django): ``models`` (the key kept per review, relations, glossary,
documents and their anonymisation runs, flag resolutions), ``services`` (one audited function per
change), ``views`` and ``urls``. The pure modules never import these.
"""
