//! JNI layer over dunwatch-core (issue 6). Only conversion, handles and error mapping live here.
