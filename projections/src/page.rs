/// Which slice of a list a client asked for (already validated: page ≥ 1, 1 ≤ size ≤ 100).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub page: u32,
    pub size: u32,
}

impl PageRequest {
    pub fn limit(self) -> i64 {
        i64::from(self.size)
    }

    pub fn offset(self) -> i64 {
        i64::from(self.page - 1) * i64::from(self.size)
    }
}

/// One page of a list and how many items the whole list has.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub count: i64,
    pub items: Vec<T>,
}

impl<T> Page<T> {
    /// A page holding just `item`, for code written for pages.
    pub fn of_one(item: T) -> Self {
        Self {
            count: 1,
            items: vec![item],
        }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            count: self.count,
            items: self.items.into_iter().map(f).collect(),
        }
    }
}
