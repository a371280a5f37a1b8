package dev.caravan.embedded;

import org.h2.mvstore.type.BasicDataType;

/** An H2 type of single values (index keys, positions), kept in object arrays. */
abstract class ValueType extends BasicDataType<Object> {

    @Override
    public Object[] createStorage(int size) {
        return new Object[size];
    }
}
